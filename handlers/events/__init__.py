"""Events: the calendar partners see (/events, /event, /next), their answers (RSVP) and
reminders, who is coming (/attendance), and the coordinators' editing flows (/newevent,
/editevent, /cancelevent, composed in `editing`)."""
