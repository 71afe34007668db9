"""The progress fill-in round trip's files and planning: the template's layout
(``layout``) and writer (``template``), the returned sheets' reader (``reader``) and the plan
of what they record against the database (``plan``).  The verbs that a front end calls —
make a template, import returns, say what an import did — are ``projtrack.services.progress``.
"""
