package io.shopifysync.shopify;

import graphql.language.Argument;
import graphql.language.ArrayValue;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.IntValue;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.VariableReference;
import graphql.parser.Parser;
import java.math.BigInteger;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Estimates a query's cost before it is sent, the way Shopify documents it: an object costs 1, a
 * connection costs 2 plus first/last times the cost of one node, {@code nodes(ids:)} one object per id, scalars
 * cost 0, a mutation 10. Named fragments count where they are spread.
 */
public final class QueryCost {

    private QueryCost() {
    }

    public static int estimate(String query, Map<String, Object> variables) {
        Document doc = Parser.parse(query);
        Map<String, FragmentDefinition> fragments = new HashMap<>();
        for (var def : doc.getDefinitions()) {
            if (def instanceof FragmentDefinition f) {
                fragments.put(f.getName(), f);
            }
        }
        Estimate e = new Estimate(variables, fragments);
        int total = 0;
        for (var def : doc.getDefinitions()) {
            if (def instanceof OperationDefinition op) {
                if (op.getOperation() == OperationDefinition.Operation.MUTATION) {
                    total += 10 * Math.max(1, op.getSelectionSet().getSelections().size()); // 10 per mutation field
                } else {
                    total += e.selectionCost(op.getSelectionSet());
                }
            }
        }
        return Math.max(1, total);
    }

    private record Estimate(Map<String, Object> variables, Map<String, FragmentDefinition> fragments, Set<String> spreading) {
        Estimate(Map<String, Object> variables, Map<String, FragmentDefinition> fragments) {
            this(variables, fragments, new HashSet<>());
        }

        int selectionCost(SelectionSet set) {
            if (set == null) {
                return 0;
            }
            int cost = 0;
            for (Selection<?> s : set.getSelections()) {
                if (s instanceof Field f) {
                    cost += fieldCost(f);
                } else if (s instanceof graphql.language.InlineFragment frag) {
                    cost += selectionCost(frag.getSelectionSet());
                } else if (s instanceof FragmentSpread spread && fragments.containsKey(spread.getName())
                        && spreading.add(spread.getName())) { // a cycle is invalid GraphQL: count it once
                    cost += selectionCost(fragments.get(spread.getName()).getSelectionSet());
                    spreading.remove(spread.getName());
                }
            }
            return cost;
        }

        int fieldCost(Field f) {
            if (f.getSelectionSet() == null || f.getName().equals("pageInfo")) {
                return 0; // scalars, enums and pageInfo are free
            }
            if (f.getName().equals("edges")) {
                return selectionCost(f.getSelectionSet()); // each node inside is an object of its own
            }
            Integer size = pageSize(f, variables);
            if (size != null) {
                return 2 + size * Math.max(1, selectionCost(f.getSelectionSet()));
            }
            Integer ids = idCount(f, variables);
            if (ids != null) {
                return ids * (1 + selectionCost(f.getSelectionSet())); // nodes(ids:): one object per id
            }
            return 1 + selectionCost(f.getSelectionSet());
        }
    }

    private static Integer idCount(Field f, Map<String, Object> variables) {
        for (Argument a : f.getArguments()) {
            if (a.getName().equals("ids")) {
                if (a.getValue() instanceof ArrayValue list) {
                    return list.getValues().size();
                }
                if (a.getValue() instanceof VariableReference ref && variables != null
                        && variables.get(ref.getName()) instanceof Collection<?> c) {
                    return c.size();
                }
            }
        }
        return null;
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
