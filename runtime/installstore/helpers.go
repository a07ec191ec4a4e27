package installstore

import (
	"slices"
)

// Clone returns a deep copy of inst (scope slices included), or nil for nil.
// Stores hand out clones so that callers can never change stored state by
// mutating a result.
func (inst *Installation) Clone() *Installation {
	if inst == nil {
		return nil
	}
	c := *inst
	c.BotScopes = slices.Clone(inst.BotScopes)
	c.UserScopes = slices.Clone(inst.UserScopes)
	return &c
}

// WorkspaceKey returns a stable string that names q's workspace, or q's
// organization for org-wide installs (IsEnterpriseInstall set; TeamID is then
// ignored). q.UserID plays no part. Stores use it as an index column and as
// the lock key of Update; caches use it to invalidate.
//
//	Query{EnterpriseID: "E1", TeamID: "T1"}.WorkspaceKey()            // "team:E1:T1"
//	Query{TeamID: "T1"}.WorkspaceKey()                                // "team::T1"
//	Query{EnterpriseID: "E1", IsEnterpriseInstall: true}.WorkspaceKey() // "org:E1"
func (q Query) WorkspaceKey() string {
	if q.IsEnterpriseInstall {
		return "org:" + q.EnterpriseID
	}
	return "team:" + q.EnterpriseID + ":" + q.TeamID
}
