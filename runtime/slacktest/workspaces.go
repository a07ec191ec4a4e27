package slacktest

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	teamIDPattern       = regexp.MustCompile(`^T[A-Z0-9]{2,20}$`)
	enterpriseIDPattern = regexp.MustCompile(`^E[A-Z0-9]{2,20}$`)
)

// AddWorkspace adds (or replaces) a workspace. Its enterprise, when set,
// must exist (see AddEnterprise).
func (s *Server) AddWorkspace(w Workspace) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addWorkspace(w)
}

// AddEnterprise adds (or replaces) an Enterprise Grid organization.
func (s *Server) AddEnterprise(e Enterprise) error {
	if !enterpriseIDPattern.MatchString(e.ID) {
		return fmt.Errorf("slacktest: enterprise id %q must look like E0001", e.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addEnterprise(e)
	return nil
}

// Workspaces lists the workspaces in the order they were added.
func (s *Server) Workspaces() []Workspace {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Workspace, 0, len(s.wsOrder))
	for _, id := range s.wsOrder {
		out = append(out, *s.workspaces[id])
	}
	return out
}

func (s *Server) addEnterprise(e Enterprise) {
	if e.Name == "" {
		e.Name = e.ID
	}
	if e.UserID == "" {
		e.UserID = "W" + e.ID[1:]
	}
	s.enterprises[e.ID] = &e
}

func (s *Server) addWorkspace(w Workspace) error {
	if !teamIDPattern.MatchString(w.ID) {
		return fmt.Errorf("slacktest: team id %q must look like T0001", w.ID)
	}
	if w.EnterpriseID != "" && s.enterprises[w.EnterpriseID] == nil {
		return fmt.Errorf("slacktest: workspace %s belongs to unknown enterprise %s: add it first", w.ID, w.EnterpriseID)
	}
	if w.Name == "" {
		w.Name = "Workspace " + w.ID
	}
	if w.Domain == "" {
		w.Domain = domainOf(w.Name)
	}
	if w.UserID == "" {
		w.UserID = "U" + w.ID[1:]
		if w.EnterpriseID != "" {
			w.UserID = "W" + w.ID[1:]
		}
	}
	if w.UserName == "" {
		w.UserName = "user-" + strings.ToLower(w.ID)
	}
	if _, ok := s.workspaces[w.ID]; !ok {
		s.wsOrder = append(s.wsOrder, w.ID)
	}
	s.workspaces[w.ID] = &w
	return nil
}

// workspace returns the workspace with id, creating it when id is a
// well-formed team id. An enterprise id returns the enterprise's first
// workspace. Callers hold s.mu.
func (s *Server) workspace(id string) (*Workspace, error) {
	if w, ok := s.workspaces[id]; ok {
		return w, nil
	}
	if e, ok := s.enterprises[id]; ok {
		for _, wid := range s.wsOrder {
			if s.workspaces[wid].EnterpriseID == e.ID {
				return s.workspaces[wid], nil
			}
		}
		return nil, fmt.Errorf("slacktest: enterprise %s has no workspace: add one with AddWorkspace", id)
	}
	if err := s.addWorkspace(Workspace{ID: id}); err != nil {
		return nil, err
	}
	return s.workspaces[id], nil
}

func domainOf(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}
