"""Admin tools: roles and invite links (/grant, /revoke, /invite: `roles`) and the content file
(/exportcontent, and a .toml sent to import it: `content_files`)."""
