package slackapp

import (
	"encoding/json"

	"github.com/slack-go/slack"
)

// Values of Response.ResponseType.
const (
	InChannel = "in_channel"
	Ephemeral = "ephemeral"
)

// Response is a message sent in answer to a command or through a
// response_url. Without ResponseType a command reply is ephemeral (visible
// to its user only), as Slack does.
type Response struct {
	Text            string             `json:"text,omitempty"`
	Blocks          []slack.Block      `json:"blocks,omitempty"`
	Attachments     []slack.Attachment `json:"attachments,omitempty"`
	ResponseType    string             `json:"response_type,omitempty"`
	ReplaceOriginal bool               `json:"replace_original,omitempty"`
	DeleteOriginal  bool               `json:"delete_original,omitempty"`
	ThreadTS        string             `json:"thread_ts,omitempty"`
	Mrkdwn          *bool              `json:"mrkdwn,omitempty"`
}

// Text returns an ephemeral text Response.
func Text(s string) *Response { return &Response{Text: s, ResponseType: Ephemeral} }

// ViewResponse answers a view_submission: nil (or Clear) closes the modal;
// ViewErrors keeps it open with field errors; Update and Push change it.
// It is slack-go's ViewSubmissionResponse, so slack.NewUpdateViewSubmissionResponse
// and friends build one too.
type ViewResponse = slack.ViewSubmissionResponse

// ViewErrors returns a response_action "errors" answer: errors maps a block
// id of an input block to the message shown under it.
func ViewErrors(errors map[string]string) *ViewResponse {
	return slack.NewErrorsViewSubmissionResponse(errors)
}

// OptionsResponse answers an options load with Options or OptionGroups.
type OptionsResponse struct {
	Options      []*slack.OptionBlockObject      `json:"options,omitempty"`
	OptionGroups []*slack.OptionGroupBlockObject `json:"option_groups,omitempty"`
}

// MarshalJSON writes a response without options or groups as
// {"options":[]}: Slack wants the list, even an empty one, and reads a bare
// {} as a failed load.
func (r OptionsResponse) MarshalJSON() ([]byte, error) {
	if len(r.Options) == 0 && len(r.OptionGroups) == 0 {
		return emptyOptions, nil
	}
	type plain OptionsResponse // without this method
	return json.Marshal(plain(r))
}

// emptyOptions is sent when no handler answers an options load in time.
var emptyOptions = json.RawMessage(`{"options":[]}`)
