package statestore

// SignedRemembered returns how many consumed nonces s remembers.
func SignedRemembered(s *Signed) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.consumed)
}

// SetMemoryMax lowers the bound of m, to test it cheaply.
func SetMemoryMax(m *Memory, n int) { m.max = n }

// SetSignedMax lowers the bound of the replay memory of s, to test it cheaply.
func SetSignedMax(s *Signed, n int) { s.max = n }
