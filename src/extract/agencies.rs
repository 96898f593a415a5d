//! Agencies: finding the agencies an action names, with a lexicon kept in rules.
//! (Being written: see the helper's task.)
