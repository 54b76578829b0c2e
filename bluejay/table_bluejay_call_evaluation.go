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
	cols := []*plugin.Column{
		column("id", proto.ColumnType_STRING, "Unique identifier of the evaluation.", func(r R) any { return nonEmpty(r.ID) }),
	}
	cols = append(cols, callRefColumns[R]()...)
	cols = append(cols,
		column("created_at", proto.ColumnType_TIMESTAMP, "When the evaluation was created (UTC).", func(r R) any { return timeValue(r.CreatedAt) }),
	)
	cols = append(cols, flattenedEvaluationColumns(func(r R) *api.Evaluation { return r.Evaluation }, evaluationWording{call: "call"})...)
	return append(cols,
		column("title", proto.ColumnType_STRING, "Title of the resource: the evaluation id.", func(r R) any { return nonEmpty(r.ID) }),
	)
}
