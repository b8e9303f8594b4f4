"""Questions: free text answered by meaning (`ask`, `answers`), the FAQ entries coordinators
keep (/faq: `faq`, `faq_add`, `faq_edit`, `faq_views`) and the questions nothing matched
(/unanswered: `unanswered`)."""
