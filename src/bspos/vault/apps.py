from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "bspos.vault"
    verbose_name = "Credentials vault: clients' secrets, encrypted, revealed on re-authentication and audited"
