"""Webhooks: an airline's other systems subscribe to what happens in Goodwill and are told, signed, with retries."""
