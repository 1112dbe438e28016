import type { ServiceVariables } from '@hooklab/service';
import type { RequestMeta } from '../domain/base.ts';
import type { ApiKey } from './auth.ts';
import type { FormObject } from './form.ts';

export type PaymentsEnv = {
  Variables: ServiceVariables & {
    apiKey: ApiKey;
    /** The request's parameters: the form body of a POST, the query of a GET or DELETE. */
    params: FormObject;
    meta: RequestMeta;
  };
};
