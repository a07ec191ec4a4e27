package slacktest

import (
	"encoding/json"
	"strings"
	"time"
)

type trigger struct {
	team, user string
	expires    time.Time
	used       bool
}

type view struct {
	id, team, user, externalID, hash, rootID string
	body                                     map[string]any
}

// newTrigger issues a trigger_id. A trigger id is forgotten one lifetime
// after it expired: until then a late views.open is told
// expired_trigger_id rather than invalid_trigger_id. Callers hold s.mu.
func (s *Server) newTrigger(team, user string) string {
	now := s.opts.now()
	s.triggerExpiry.sweep(now, func(id string) { delete(s.triggers, id) })
	id := s.rnd.digits(13) + "." + s.rnd.digits(13) + "." + s.rnd.hex(16)
	expires := now.Add(s.opts.triggerTTL)
	s.triggers[id] = &trigger{team: team, user: user, expires: expires}
	s.triggerExpiry.push(id, expires.Add(s.opts.triggerTTL))
	return id
}

// viewArg decodes the view argument.
func viewArg(r *apiRequest) (map[string]any, string) {
	raw := nullToNil(r.raw("view"))
	if raw == nil {
		return nil, "invalid_arguments"
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, "invalid_arguments"
	}
	switch v["type"] {
	case "modal", "home":
	default:
		return nil, "invalid_arguments"
	}
	return v, ""
}

// storeView records a view and returns Slack's view object. Callers hold s.mu.
func (s *Server) storeView(v *view, t *token) map[string]any {
	v.hash = s.opts.now().Format("20060102150405") + "." + s.rnd.alnum(8)
	s.views[v.id] = v
	out := map[string]any{}
	for k, val := range v.body {
		out[k] = val
	}
	out["id"], out["team_id"], out["hash"] = v.id, v.team, v.hash
	out["app_id"], out["bot_id"] = t.appID, s.appByID(t.appID).botID
	out["root_view_id"], out["app_installed_team_id"] = v.rootID, v.team
	if v.externalID != "" {
		out["external_id"] = v.externalID
	}
	if _, found := out["state"]; !found {
		out["state"] = map[string]any{"values": map[string]any{}}
	}
	for _, k := range []string{"private_metadata", "callback_id"} {
		if _, found := out[k]; !found {
			out[k] = ""
		}
	}
	return out
}

// viewsOpen opens a modal (views.push pushes one; both spend a trigger_id).
func (s *Server) viewsOpen(r *apiRequest, t *token) result {
	id := r.get("trigger_id")
	tr, found := s.triggers[id]
	switch {
	case id == "":
		return fail("invalid_arguments")
	case !found:
		return fail("invalid_trigger_id")
	case tr.used:
		return fail("exchanged_trigger_id")
	case !s.opts.now().Before(tr.expires):
		return fail("expired_trigger_id")
	}
	body, code := viewArg(r)
	if code != "" {
		return fail(code)
	}
	if body["type"] != "modal" {
		return fail("invalid_arguments")
	}
	tr.used = true
	v := &view{id: "V" + strings.ToUpper(s.rnd.alnum(10)), team: tr.team, user: tr.user, externalID: r.get("external_id"), body: body}
	if e, _ := body["external_id"].(string); e != "" {
		v.externalID = e
	}
	v.rootID = v.id
	return ok(map[string]any{"view": s.storeView(v, t)})
}

// viewsPublish publishes a user's App Home.
func (s *Server) viewsPublish(r *apiRequest, t *token) result {
	user := r.get("user_id")
	if user == "" {
		return fail("invalid_arguments")
	}
	body, code := viewArg(r)
	if code != "" {
		return fail(code)
	}
	if body["type"] != "home" {
		return fail("invalid_arguments")
	}
	team := firstNonEmpty(t.teamID, t.enterpriseID)
	for _, v := range s.views {
		if v.user == user && v.team == team && v.body["type"] == "home" {
			if h := r.get("hash"); h != "" && h != v.hash {
				return fail("hash_conflict")
			}
			v.body = body
			return ok(map[string]any{"view": s.storeView(v, t)})
		}
	}
	v := &view{id: "V" + strings.ToUpper(s.rnd.alnum(10)), team: team, user: user, body: body}
	v.rootID = v.id
	return ok(map[string]any{"view": s.storeView(v, t)})
}

// viewsUpdate replaces a view by view_id or external_id.
func (s *Server) viewsUpdate(r *apiRequest, t *token) result {
	id, ext := r.get("view_id"), r.get("external_id")
	if id == "" && ext == "" {
		return fail("invalid_arguments")
	}
	var v *view
	for _, cand := range s.views {
		if (id != "" && cand.id == id) || (id == "" && cand.externalID == ext) {
			v = cand
		}
	}
	if v == nil {
		return fail("not_found")
	}
	if h := r.get("hash"); h != "" && h != v.hash {
		return fail("hash_conflict")
	}
	body, code := viewArg(r)
	if code != "" {
		return fail(code)
	}
	v.body = body
	return ok(map[string]any{"view": s.storeView(v, t)})
}
