package installstore

// DefaultHistory is how many of each workspace's most recent records the
// stores of this module keep by default besides the records that lookups
// need (see "History and retention" in the package documentation). Their
// WithHistory option changes it; 0 keeps only what lookups need.
const DefaultHistory = 10
