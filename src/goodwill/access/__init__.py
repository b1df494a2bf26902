"""Access: users' API keys and the roles they carry."""
