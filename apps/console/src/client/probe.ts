const x: number = 42;
document.body.textContent = String(x);
