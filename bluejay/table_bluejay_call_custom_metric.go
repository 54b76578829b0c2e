package bluejay

import (
	"context"
	"strconv"
	"strings"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// customMetricRow is one custom metric result of one evaluation of a call.
type customMetricRow struct {
	callRef
	EvaluationID string
	Position     int
	*api.CustomMetric
}

func tableBluejayCallCustomMetric(_ context.Context) *plugin.Table {
	return childTable("bluejay_call_custom_metric", "Custom metric results of the evaluations of your agents' calls, one row per metric per evaluation.", customMetricsOf, customMetricColumns())
}

func customMetricsOf(_ context.Context, call *api.CallLog, ref callRef) ([]any, error) {
	evals, err := decodeElements[api.Evaluation](call, "evaluations", call.Evaluations)
	if err != nil {
		return nil, err
	}
	var rows []any
	for _, e := range evals {
		metrics, err := decodeElements[api.CustomMetric](call, "evaluations.custom_metrics", e.CustomMetrics)
		if err != nil {
			return nil, err
		}
		for i := range metrics {
			rows = append(rows, &customMetricRow{callRef: ref, EvaluationID: e.ID, Position: i, CustomMetric: &metrics[i]})
		}
	}
	return rows, nil
}

func customMetricColumns() []*plugin.Column {
	type R = *customMetricRow
	cols := callRefColumns[R]()
	return append(cols,
		column("evaluation_id", proto.ColumnType_STRING, "ID of the evaluation the metric belongs to.", func(r R) any { return nonEmpty(r.EvaluationID) }),
		column("position", proto.ColumnType_INT, "Position of the metric in the evaluation's list, from 0.", func(r R) any { return r.Position }),
		column("name", proto.ColumnType_STRING, "Name of the custom metric.", func(r R) any { return r.Name }),
		column("description", proto.ColumnType_STRING, "Description of the custom metric.", func(r R) any { return r.Description }),
		column("response_type", proto.ColumnType_STRING, "Response type of the metric (for example boolean, number, enum or text).", func(r R) any { return r.ResponseType }),
		column("response_value", proto.ColumnType_STRING, "The metric's value as the API sends it (text).", func(r R) any { return r.ResponseValue }),
		column("response_value_number", proto.ColumnType_DOUBLE, "The metric's value as a number, where it parses as one; NULL otherwise.", func(r R) any { return numberOf(r.ResponseValue) }),
		column("reasoning", proto.ColumnType_STRING, "Reasoning behind the metric's value.", func(r R) any { return str(r.Reasoning) }),
		column("min_value", proto.ColumnType_DOUBLE, "Minimum value of the metric.", func(r R) any { return f64(r.MinValue) }),
		column("max_value", proto.ColumnType_DOUBLE, "Maximum value of the metric.", func(r R) any { return f64(r.MaxValue) }),
		column("category", proto.ColumnType_STRING, "Category of the metric.", func(r R) any { return str(r.Category) }),
		column("tags", proto.ColumnType_JSON, "Tags of the metric.", func(r R) any { return stringsJSON(r.Tags) }),
		column("scoring_guidance", proto.ColumnType_STRING, "Scoring guidance of the metric.", func(r R) any { return str(r.ScoringGuidance) }),
		column("enum_options", proto.ColumnType_JSON, "Allowed values of an enum metric.", func(r R) any { return stringsJSON(r.EnumOptions) }),
		column("title", proto.ColumnType_STRING, "Title of the resource: the metric's name.", func(r R) any { return r.Name }),
	)
}

// numberOf parses a metric value that is a finite number ("4.5", " 3 "); anything else is NULL.
func numberOf(s string) any {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f != f || f > 1e308 || f < -1e308 {
		return nil
	}
	return f
}

// stringsJSON hands a string list to a JSON column; null (nil) stays NULL, [] stays [].
func stringsJSON(v []string) any {
	if v == nil {
		return nil
	}
	return v
}
