"""`python -m shared.keys`: make the development key pairs (the gateway's service-token
pair, and each publishing service's) under var/keys once, before several processes
start and would race to make them."""
from shared.settings import get_settings

if __name__ == "__main__":
    settings = get_settings()
    for issuer in ("gateway", "catalogue", "networks"):
        settings.public_key_pem(issuer)
