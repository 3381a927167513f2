package io.shopifysync.shopify;

import graphql.language.Argument;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.IntValue;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.VariableReference;
import graphql.parser.Parser;
import java.math.BigInteger;
import java.util.Map;

/**
 * Estimates a query's cost before it is sent, the way Shopify documents it: an object costs 1, a
 * connection costs 2 plus first/last times the cost of one node, scalars cost 0, a mutation 10.
 */
public final class QueryCost {

    private QueryCost() {
    }

    public static int estimate(String query, Map<String, Object> variables) {
        Document doc = Parser.parse(query);
        int total = 0;
        for (var def : doc.getDefinitions()) {
            if (def instanceof OperationDefinition op) {
                if (op.getOperation() == OperationDefinition.Operation.MUTATION) {
                    total += 10 * Math.max(1, op.getSelectionSet().getSelections().size()); // 10 per mutation field
                } else {
                    total += selectionCost(op.getSelectionSet(), variables);
                }
            }
        }
        return Math.max(1, total);
    }

    private static int selectionCost(SelectionSet set, Map<String, Object> variables) {
        if (set == null) {
            return 0;
        }
        int cost = 0;
        for (Selection<?> s : set.getSelections()) {
            if (s instanceof Field f) {
                cost += fieldCost(f, variables);
            } else if (s instanceof graphql.language.InlineFragment frag) {
                cost += selectionCost(frag.getSelectionSet(), variables);
            }
        }
        return cost;
    }

    private static int fieldCost(Field f, Map<String, Object> variables) {
        if (f.getSelectionSet() == null || f.getName().equals("pageInfo")) {
            return 0; // scalars, enums and pageInfo are free
        }
        if (f.getName().equals("edges")) {
            return selectionCost(f.getSelectionSet(), variables); // each node inside is an object of its own
        }
        Integer size = pageSize(f, variables);
        if (size != null) {
            return 2 + size * Math.max(1, selectionCost(f.getSelectionSet(), variables));
        }
        return 1 + selectionCost(f.getSelectionSet(), variables);
    }

    private static Integer pageSize(Field f, Map<String, Object> variables) {
        for (Argument a : f.getArguments()) {
            if (a.getName().equals("first") || a.getName().equals("last")) {
                if (a.getValue() instanceof IntValue iv) {
                    return iv.getValue().min(BigInteger.valueOf(10_000)).intValue();
                }
                if (a.getValue() instanceof VariableReference ref && variables != null
                        && variables.get(ref.getName()) instanceof Number n) {
                    return n.intValue();
                }
            }
        }
        return null;
    }
}
