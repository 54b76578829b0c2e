package bluejay

import (
	"strings"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// evaluationField is a column of a flattened evaluation. bluejay_call_evaluation shows each of
// a call's evaluations, bluejay_simulation_result the first evaluation of each test call.
type evaluationField struct {
	name string
	typ  proto.ColumnType
	// description says {call} for what was evaluated: "call" or "test call".
	description string
	value       func(e *api.Evaluation) any
}

// evaluationFields are the flattened evaluation's columns, in bluejay_call_evaluation's order.
var evaluationFields = []evaluationField{
	{"hallucination", proto.ColumnType_BOOL, "Whether the agent hallucinated during the {call}.", func(e *api.Evaluation) any { return boolean(e.Hallucination) }},
	{"hallucination_reasoning", proto.ColumnType_STRING, "Why the evaluation judged hallucination as it did.", func(e *api.Evaluation) any { return str(e.HallucinationReasoning) }},
	{"redundancy", proto.ColumnType_BOOL, "Whether the agent was redundant during the {call}.", func(e *api.Evaluation) any { return boolean(e.Redundancy) }},
	{"redundancy_reasoning", proto.ColumnType_STRING, "Why the evaluation judged redundancy as it did.", func(e *api.Evaluation) any { return str(e.RedundancyReasoning) }},
	{"agent_speak_percentage", proto.ColumnType_DOUBLE, "Percentage of the {call} during which the agent was speaking.", func(e *api.Evaluation) any { return f64(e.AgentSpeakPercentage) }},
	{"avg_agent_latency", proto.ColumnType_DOUBLE, "Average latency of the agent's responses.", func(e *api.Evaluation) any { return f64(e.AvgAgentLatency) }},
	{"latency_avg", proto.ColumnType_DOUBLE, "Average agent response latency (latency.avg_agent_latency).", func(e *api.Evaluation) any { return f64(latencyOf(e).Avg) }},
	{"latency_max", proto.ColumnType_DOUBLE, "Maximum agent response latency (latency.max_agent_latency).", func(e *api.Evaluation) any { return f64(latencyOf(e).Max) }},
	{"latency_p50", proto.ColumnType_DOUBLE, "50th percentile agent response latency.", func(e *api.Evaluation) any { return f64(latencyOf(e).P50) }},
	{"latency_p90", proto.ColumnType_DOUBLE, "90th percentile agent response latency.", func(e *api.Evaluation) any { return f64(latencyOf(e).P90) }},
	{"latency_p95", proto.ColumnType_DOUBLE, "95th percentile agent response latency.", func(e *api.Evaluation) any { return f64(latencyOf(e).P95) }},
	{"latency_p99", proto.ColumnType_DOUBLE, "99th percentile agent response latency.", func(e *api.Evaluation) any { return f64(latencyOf(e).P99) }},
	{"latency", proto.ColumnType_JSON, "The latency block as the API returns it.", func(e *api.Evaluation) any { return jsonOf(e.Latency) }},
	{"filler_ignored_latency_avg", proto.ColumnType_DOUBLE, "Average response latency with filler words ignored.", func(e *api.Evaluation) any { return f64(fillerIgnoredLatencyOf(e).Avg) }},
	{"filler_ignored_latency_p50", proto.ColumnType_DOUBLE, "50th percentile latency with filler words ignored.", func(e *api.Evaluation) any { return f64(fillerIgnoredLatencyOf(e).P50) }},
	{"filler_ignored_latency_p90", proto.ColumnType_DOUBLE, "90th percentile latency with filler words ignored.", func(e *api.Evaluation) any { return f64(fillerIgnoredLatencyOf(e).P90) }},
	{"filler_ignored_latency_p95", proto.ColumnType_DOUBLE, "95th percentile latency with filler words ignored.", func(e *api.Evaluation) any { return f64(fillerIgnoredLatencyOf(e).P95) }},
	{"filler_ignored_latency_p99", proto.ColumnType_DOUBLE, "99th percentile latency with filler words ignored.", func(e *api.Evaluation) any { return f64(fillerIgnoredLatencyOf(e).P99) }},
	{"filler_ignored_latency", proto.ColumnType_JSON, "The filler-ignored latency block as the API returns it.", func(e *api.Evaluation) any { return jsonOf(e.FillerIgnoredLatency) }},
	{"num_turns", proto.ColumnType_INT, "Number of turns the agent took during the {call}.", func(e *api.Evaluation) any { return i64(e.NumTurns) }},
	{"call_summary", proto.ColumnType_STRING, "Summary of the {call}.", func(e *api.Evaluation) any { return str(e.CallSummary) }},
	{"custom_evals", proto.ColumnType_JSON, "Custom evaluations performed during the {call} (an array or an object).", func(e *api.Evaluation) any { return rawJSON(e.CustomEvals) }},
	{"custom_evals_success_rate", proto.ColumnType_DOUBLE, "Success rate of the custom evaluations.", func(e *api.Evaluation) any { return f64(e.CustomEvalsSuccessRate) }},
	{"goal_success", proto.ColumnType_BOOL, "Whether the agent achieved the {call}'s goal.", func(e *api.Evaluation) any { return boolean(e.GoalSuccess) }},
	{"goal_reasoning", proto.ColumnType_STRING, "Why the evaluation judged goal success as it did.", func(e *api.Evaluation) any { return str(e.GoalReasoning) }},
	{"pronunciation_score", proto.ColumnType_DOUBLE, "Pronunciation score of the agent.", func(e *api.Evaluation) any { return f64(e.PronunciationScore) }},
	{"pronunciation_reasoning", proto.ColumnType_STRING, "Why the evaluation scored pronunciation as it did.", func(e *api.Evaluation) any { return str(e.PronunciationReasoning) }},
	{"sentiment_label", proto.ColumnType_STRING, "Overall sentiment label of the customer's utterances.", func(e *api.Evaluation) any { return str(e.SentimentLabel) }},
	{"sentiment_score", proto.ColumnType_DOUBLE, "Overall sentiment score of the customer's utterances.", func(e *api.Evaluation) any { return f64(e.SentimentScore) }},
	{"sentiment_scores", proto.ColumnType_JSON, "Per-label sentiment scores of the customer's utterances.", func(e *api.Evaluation) any { return rawJSON(e.SentimentScores) }},
	{"custom_metrics", proto.ColumnType_JSON, "Custom metric results of the evaluation (see bluejay_call_custom_metric for one row each).", func(e *api.Evaluation) any { return rawJSON(e.CustomMetrics) }},
}

// evaluationWording is how a table words the flattened evaluation's column descriptions.
type evaluationWording struct {
	// call is what was evaluated: "call" or "test call".
	call string
	// descriptions replace those of evaluationFields, by column name.
	descriptions map[string]string
}

// flattenedEvaluationColumns are the columns of the evaluation ev reads from a row: every one of
// evaluationFields in their order, or those names names in its order. A row whose evaluation is
// nil has NULL in each.
func flattenedEvaluationColumns[R any](ev func(R) *api.Evaluation, wording evaluationWording, names ...string) []*plugin.Column {
	fields := evaluationFields
	if len(names) > 0 {
		fields = make([]evaluationField, len(names))
		for i, name := range names {
			fields[i] = evaluationFieldNamed(name)
		}
	}
	cols := make([]*plugin.Column, len(fields))
	for i, f := range fields {
		description, ok := wording.descriptions[f.name]
		if !ok {
			description = strings.ReplaceAll(f.description, "{call}", wording.call)
		}
		value := f.value
		cols[i] = column(f.name, f.typ, description, func(r R) any {
			e := ev(r)
			if e == nil {
				e = &api.Evaluation{}
			}
			return value(e)
		})
	}
	return cols
}

// evaluationFieldNamed is the field of evaluationFields of that name; a name it lacks is a
// mistake in a table's declaration, found when the plugin builds its tables.
func evaluationFieldNamed(name string) evaluationField {
	for _, f := range evaluationFields {
		if f.name == name {
			return f
		}
	}
	panic("bluejay: the flattened evaluation has no column " + name)
}

// latencyOf is the evaluation's latency block; a missing one has every value NULL.
func latencyOf(e *api.Evaluation) *api.Latency {
	if e.Latency == nil {
		return &api.Latency{}
	}
	return e.Latency
}

// fillerIgnoredLatencyOf is the evaluation's filler-ignored latency block; a missing one has
// every value NULL.
func fillerIgnoredLatencyOf(e *api.Evaluation) *api.FillerIgnoredLatency {
	if e.FillerIgnoredLatency == nil {
		return &api.FillerIgnoredLatency{}
	}
	return e.FillerIgnoredLatency
}

// jsonOf hands a decoded block to a JSON column; nil is NULL.
func jsonOf[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}
