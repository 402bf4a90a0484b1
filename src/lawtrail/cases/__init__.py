"""Online case handling (网上办案): the administrative penalty case, on-the-spot procedure and
compulsory measures. ``rules.py`` holds the pure rules of law the case flow enforces."""
