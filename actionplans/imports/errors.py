class PlanParseError(Exception):
    """The document cannot become a plan; ``messages`` say why, with line numbers."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))
