package memstore

import "github.com/slackgen/slackgen/runtime/installstore"

// Count returns how many records s holds for q's workspace.
func Count(s *Store, q installstore.Query) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.history[q.WorkspaceKey()])
}
