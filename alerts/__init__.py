"""Alert digests: subscriptions, the new projects each one covers, rendering, delivery, the outbox."""
