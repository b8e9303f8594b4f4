"""The durable delivery path shared by reminders, broadcasts and check-in prompts: features
declare message kinds (who receives a batch, how a message reads); the dispatcher expands due
batches, claims due deliveries and sends them through the rate-limited sender."""
