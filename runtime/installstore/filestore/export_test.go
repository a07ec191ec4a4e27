package filestore

import "github.com/slackgen/slackgen/runtime/installstore"

// Count returns how many records s's file holds for q's workspace.
func Count(s *Store, q installstore.Query) (int, error) {
	history, err := s.read(q.WorkspaceKey())
	return len(history), err
}
