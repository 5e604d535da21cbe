//! Reading documents: plain text, JSON Lines, HTML. (Placeholder.)
