"""The academic calendar: terms, half terms and closures, and the school days they leave."""
