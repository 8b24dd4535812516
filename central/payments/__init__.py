"""Payment acquirers: the port central talks to, and a sandbox that ships with it."""
