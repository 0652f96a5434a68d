"""bspos: run a managed service provider as a Business Solution Partner."""
