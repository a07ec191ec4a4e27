package slacktest

import "errors"

// Installation is what installing the app gave it: the tokens an app's
// OAuth callback would have stored.
type Installation struct {
	TeamID              string // empty for an org-wide install
	EnterpriseID        string
	IsEnterpriseInstall bool
	BotUserID           string
	BotToken            string
	BotRefreshToken     string // with token rotation
	UserID              string // the installing user
	UserToken           string // when the app has user scopes
	UserRefreshToken    string
	ExpiresIn           int // seconds, with token rotation
}

// Install installs the primary app into team (a workspace, or an
// enterprise id for an org-wide install) with all its scopes, without the
// consent page: for single-workspace apps (SLACK_BOT_TOKEN) and tests that
// start installed.
func (s *Server) Install(team string) (Installation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.apps[0]
	if len(a.cfg.BotScopes) == 0 && len(a.cfg.UserScopes) == 0 {
		return Installation{}, errors.New("slacktest: the app has no scopes to install with: set AppConfig.BotScopes")
	}
	in := install{appID: a.cfg.AppID}
	if e, ok := s.enterprises[team]; ok {
		if len(a.cfg.BotScopes) == 0 {
			return Installation{}, errors.New("slacktest: an org-wide install needs bot scopes")
		}
		in.enterpriseID, in.isEnterpriseInstall, in.userID = e.ID, true, e.UserID
	} else {
		ws, err := s.workspace(firstNonEmpty(team, s.wsOrder[0]))
		if err != nil {
			return Installation{}, err
		}
		in.teamID, in.enterpriseID, in.userID = ws.ID, ws.EnterpriseID, ws.UserID
	}
	out := Installation{
		TeamID: in.teamID, EnterpriseID: in.enterpriseID, IsEnterpriseInstall: in.isEnterpriseInstall,
		BotUserID: a.botUserID, UserID: in.userID,
	}
	if len(a.cfg.BotScopes) > 0 {
		out.BotToken, out.BotRefreshToken, out.ExpiresIn = s.issue(in, kindBot, a.cfg.BotScopes, a.cfg.TokenRotation)
	}
	if len(a.cfg.UserScopes) > 0 {
		out.UserToken, out.UserRefreshToken, out.ExpiresIn = s.issue(in, kindUser, a.cfg.UserScopes, a.cfg.TokenRotation)
	}
	return out, nil
}
