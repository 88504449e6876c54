"""The release pipeline: the journal, pre-flight, resume and abort."""
