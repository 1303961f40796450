package model

import "testing"

func TestGoSyntax(t *testing.T) {
	api, diags := Build(loadSpec(t, discountCard), Options{})
	if api == nil {
		t.Fatal(diags)
	}
	got := map[string]string{}
	for _, ty := range api.Types {
		for _, f := range ty.Fields {
			got[ty.Name+"."+f.GoName] = f.GoSyntax()
		}
	}
	for k, want := range map[string]string{
		"Card.CardTemplateID":                  "string",
		"Card.TotalAmount":                     "*int64",
		"Card.State":                           "CardState",
		"Card.PayInformation":                  "*PayInformation",
		"Card.Objectives":                      "[]Objective",
		"Card.CreateTime":                      "apiv3.Time",
		"ObjectiveCompletionRecord.Remark":     "*string",
		"AddUserRecordsRequest.CardTemplateID": "string",
	} {
		if got[k] != want {
			t.Errorf("%s: %q, want %q", k, got[k], want)
		}
	}
}
