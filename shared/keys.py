"""`python -m shared.keys`: make the development service-token key pair under var/keys
once, before several processes start and would race to make it."""
from shared.settings import get_settings

if __name__ == "__main__":
    settings = get_settings()
    if not settings.service_token_private_key:
        settings.private_key_pem()
