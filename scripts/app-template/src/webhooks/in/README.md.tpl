`webhooks/in/<sender>.ts`: what __app__ receives, one file per sender: verify the signature on the raw body → dedupe → domain.
