"""Running a coalition meeting from the shared screen: the agenda one section at a time
(:mod:`lib.meeting.agenda`), the actions the table agrees on (:mod:`lib.meeting.actions`) and
the minutes at its end (:mod:`lib.meeting.minutes`)."""
