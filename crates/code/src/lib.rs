//! Actors, events, quotes, dates, places and positions from analysed text.

pub mod dates;
pub mod places;
pub mod positions;
pub mod quotes;
