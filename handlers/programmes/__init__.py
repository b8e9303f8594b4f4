"""Programmes: what each one is and where it stands (/programmes, /status), and coordinators
keeping that up to date (/setstatus: `status_editing`)."""
