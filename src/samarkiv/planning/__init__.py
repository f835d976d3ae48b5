"""Systems mapping (kartläggning) and the delivery plan."""
