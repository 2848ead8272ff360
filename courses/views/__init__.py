"""Course pages, one module per part: the catalogue and course page, the calendar file, the
organisers' course control pages, timetable, groups, materials, speakers and reading pack.
`courses.urls` names each view by its module."""
