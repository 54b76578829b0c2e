package bluejay

import (
	"context"
	"time"

	"github.com/turbot/steampipe-plugin-sdk/v5/grpc/proto"
	"github.com/turbot/steampipe-plugin-sdk/v5/plugin"

	"github.com/bluejay-community/steampipe-plugin-bluejay/api"
)

// evaluationRow is one evaluation of a call.
type evaluationRow struct {
	callRef
	*api.Evaluation
	CreatedAt *time.Time
}

func tableBluejayCallEvaluation(_ context.Context) *plugin.Table {
	return childTable("bluejay_call_evaluation", "Evaluations Bluejay ran on your agents' calls (hallucination, redundancy, latency, goal success, sentiment, custom metrics), one row per evaluation.", evaluationsOf, evaluationColumns())
}

func evaluationsOf(ctx context.Context, call *api.CallLog, ref callRef) ([]any, error) {
	evals, err := decodeElements[api.Evaluation](call, "evaluations", call.Evaluations)
	if err != nil {
		return nil, err
	}
	rows := make([]any, len(evals))
	for i := range evals {
		e := &evals[i]
		rows[i] = &evaluationRow{callRef: ref, Evaluation: e, CreatedAt: parseTimestamp(ctx, "evaluations.created_at", e.ID, e.CreatedAt)}
	}
	return rows, nil
}

func evaluationColumns() []*plugin.Column {
	type R = *evaluationRow
	lat := func(r R) *api.Latency {
		if r.Latency == nil {
			return &api.Latency{}
		}
		return r.Latency
	}
	fil := func(r R) *api.FillerIgnoredLatency {
		if r.FillerIgnoredLatency == nil {
			return &api.FillerIgnoredLatency{}
		}
		return r.FillerIgnoredLatency
	}
	cols := []*plugin.Column{
		column("id", proto.ColumnType_STRING, "Unique identifier of the evaluation.", func(r R) any { return nonEmpty(r.ID) }),
	}
	cols = append(cols, callRefColumns[R]()...)
	return append(cols,
		column("created_at", proto.ColumnType_TIMESTAMP, "When the evaluation was created (UTC).", func(r R) any { return timeValue(r.CreatedAt) }),
		column("hallucination", proto.ColumnType_BOOL, "Whether the agent hallucinated during the call.", func(r R) any { return boolean(r.Hallucination) }),
		column("hallucination_reasoning", proto.ColumnType_STRING, "Why the evaluation judged hallucination as it did.", func(r R) any { return str(r.HallucinationReasoning) }),
		column("redundancy", proto.ColumnType_BOOL, "Whether the agent was redundant during the call.", func(r R) any { return boolean(r.Redundancy) }),
		column("redundancy_reasoning", proto.ColumnType_STRING, "Why the evaluation judged redundancy as it did.", func(r R) any { return str(r.RedundancyReasoning) }),
		column("agent_speak_percentage", proto.ColumnType_DOUBLE, "Percentage of the call during which the agent was speaking.", func(r R) any { return f64(r.AgentSpeakPercentage) }),
		column("avg_agent_latency", proto.ColumnType_DOUBLE, "Average latency of the agent's responses.", func(r R) any { return f64(r.AvgAgentLatency) }),
		column("latency_avg", proto.ColumnType_DOUBLE, "Average agent response latency (latency.avg_agent_latency).", func(r R) any { return f64(lat(r).Avg) }),
		column("latency_max", proto.ColumnType_DOUBLE, "Maximum agent response latency (latency.max_agent_latency).", func(r R) any { return f64(lat(r).Max) }),
		column("latency_p50", proto.ColumnType_DOUBLE, "50th percentile agent response latency.", func(r R) any { return f64(lat(r).P50) }),
		column("latency_p90", proto.ColumnType_DOUBLE, "90th percentile agent response latency.", func(r R) any { return f64(lat(r).P90) }),
		column("latency_p95", proto.ColumnType_DOUBLE, "95th percentile agent response latency.", func(r R) any { return f64(lat(r).P95) }),
		column("latency_p99", proto.ColumnType_DOUBLE, "99th percentile agent response latency.", func(r R) any { return f64(lat(r).P99) }),
		column("latency", proto.ColumnType_JSON, "The latency block as the API returns it.", func(r R) any { return jsonOf(r.Latency) }),
		column("filler_ignored_latency_avg", proto.ColumnType_DOUBLE, "Average response latency with filler words ignored.", func(r R) any { return f64(fil(r).Avg) }),
		column("filler_ignored_latency_p50", proto.ColumnType_DOUBLE, "50th percentile latency with filler words ignored.", func(r R) any { return f64(fil(r).P50) }),
		column("filler_ignored_latency_p90", proto.ColumnType_DOUBLE, "90th percentile latency with filler words ignored.", func(r R) any { return f64(fil(r).P90) }),
		column("filler_ignored_latency_p95", proto.ColumnType_DOUBLE, "95th percentile latency with filler words ignored.", func(r R) any { return f64(fil(r).P95) }),
		column("filler_ignored_latency_p99", proto.ColumnType_DOUBLE, "99th percentile latency with filler words ignored.", func(r R) any { return f64(fil(r).P99) }),
		column("filler_ignored_latency", proto.ColumnType_JSON, "The filler-ignored latency block as the API returns it.", func(r R) any { return jsonOf(r.FillerIgnoredLatency) }),
		column("num_turns", proto.ColumnType_INT, "Number of turns the agent took during the call.", func(r R) any { return i64(r.NumTurns) }),
		column("call_summary", proto.ColumnType_STRING, "Summary of the call.", func(r R) any { return str(r.CallSummary) }),
		column("custom_evals", proto.ColumnType_JSON, "Custom evaluations performed during the call (an array or an object).", func(r R) any { return rawJSON(r.CustomEvals) }),
		column("custom_evals_success_rate", proto.ColumnType_DOUBLE, "Success rate of the custom evaluations.", func(r R) any { return f64(r.CustomEvalsSuccessRate) }),
		column("goal_success", proto.ColumnType_BOOL, "Whether the agent achieved the call's goal.", func(r R) any { return boolean(r.GoalSuccess) }),
		column("goal_reasoning", proto.ColumnType_STRING, "Why the evaluation judged goal success as it did.", func(r R) any { return str(r.GoalReasoning) }),
		column("pronunciation_score", proto.ColumnType_DOUBLE, "Pronunciation score of the agent.", func(r R) any { return f64(r.PronunciationScore) }),
		column("pronunciation_reasoning", proto.ColumnType_STRING, "Why the evaluation scored pronunciation as it did.", func(r R) any { return str(r.PronunciationReasoning) }),
		column("sentiment_label", proto.ColumnType_STRING, "Overall sentiment label of the customer's utterances.", func(r R) any { return str(r.SentimentLabel) }),
		column("sentiment_score", proto.ColumnType_DOUBLE, "Overall sentiment score of the customer's utterances.", func(r R) any { return f64(r.SentimentScore) }),
		column("sentiment_scores", proto.ColumnType_JSON, "Per-label sentiment scores of the customer's utterances.", func(r R) any { return rawJSON(r.SentimentScores) }),
		column("custom_metrics", proto.ColumnType_JSON, "Custom metric results of the evaluation (see bluejay_call_custom_metric for one row each).", func(r R) any { return rawJSON(r.CustomMetrics) }),
		column("title", proto.ColumnType_STRING, "Title of the resource: the evaluation id.", func(r R) any { return nonEmpty(r.ID) }),
	)
}

// jsonOf hands a decoded block to a JSON column; nil is NULL.
func jsonOf[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}
