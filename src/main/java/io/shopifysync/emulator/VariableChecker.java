package io.shopifysync.emulator;

import graphql.language.Document;
import graphql.language.OperationDefinition;
import graphql.language.VariableDefinition;
import graphql.schema.GraphQLEnumType;
import graphql.schema.GraphQLEnumValueDefinition;
import graphql.schema.GraphQLInputObjectField;
import graphql.schema.GraphQLInputObjectType;
import graphql.schema.GraphQLInputType;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks variable values against their declared types and reports problems the way Shopify does:
 * {@code Variable $input of type ProductInput! was provided invalid value for title1 (Field is not defined on ProductInput)}
 * with {@code extensions.value} and {@code extensions.problems[{path, explanation}]}.
 */
final class VariableChecker {
    private VariableChecker() {}

    static List<Map<String, Object>> check(GraphQLSchema schema, Document doc, String operationName, Map<String, Object> vars) {
        List<Map<String, Object>> errors = new ArrayList<>();
        OperationDefinition op = null;
        for (var d : doc.getDefinitions()) {
            if (d instanceof OperationDefinition o && (operationName == null || operationName.isEmpty() ? op == null : operationName.equals(o.getName()))) {
                op = o;
            }
        }
        if (op == null) {
            return errors;
        }
        for (VariableDefinition vd : op.getVariableDefinitions()) {
            GraphQLType t = typeOf(schema, vd.getType());
            if (!(t instanceof GraphQLInputType)) {
                continue;
            }
            boolean present = vars.containsKey(vd.getName());
            if (!present && vd.getDefaultValue() != null) {
                continue;
            }
            Object value = vars.get(vd.getName());
            List<Map<String, Object>> problems = new ArrayList<>();
            check(t, value, new ArrayList<>(), problems);
            if (problems.isEmpty()) {
                continue;
            }
            StringBuilder msg = new StringBuilder("Variable $").append(vd.getName()).append(" of type ")
                    .append(graphql.language.AstPrinter.printAst(vd.getType())).append(" was provided invalid value");
            List<String> parts = new ArrayList<>();
            for (Map<String, Object> p : problems) {
                List<?> path = (List<?>) p.get("path");
                if (!path.isEmpty()) {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < path.size(); i++) {
                        sb.append(i == 0 ? "" : ".").append(path.get(i));
                    }
                    parts.add(sb + " (" + p.get("explanation") + ")");
                }
            }
            if (!parts.isEmpty()) {
                msg.append(" for ").append(String.join(", ", parts));
            }
            Map<String, Object> err = Json.obj("message", msg.toString());
            if (vd.getSourceLocation() != null) {
                err.put("locations", List.of(Json.obj("line", vd.getSourceLocation().getLine(), "column", vd.getSourceLocation().getColumn())));
            }
            err.put("extensions", Json.obj("value", value, "problems", problems));
            errors.add(err);
        }
        return errors;
    }

    private static GraphQLType typeOf(GraphQLSchema schema, graphql.language.Type<?> t) {
        if (t instanceof graphql.language.NonNullType nn) {
            GraphQLType inner = typeOf(schema, nn.getType());
            return inner == null ? null : GraphQLNonNull.nonNull(inner);
        }
        if (t instanceof graphql.language.ListType lt) {
            GraphQLType inner = typeOf(schema, lt.getType());
            return inner == null ? null : GraphQLList.list(inner);
        }
        return schema.getType(((graphql.language.TypeName) t).getName());
    }

    private static void problem(List<Object> path, String explanation, List<Map<String, Object>> out) {
        out.add(Json.obj("path", new ArrayList<>(path), "explanation", explanation));
    }

    private static void check(GraphQLType type, Object value, List<Object> path, List<Map<String, Object>> out) {
        if (type instanceof GraphQLNonNull nn) {
            if (value == null) {
                problem(path, "Expected value to not be null", out);
                return;
            }
            type = nn.getWrappedType();
        }
        if (value == null) {
            return;
        }
        if (type instanceof GraphQLList list) {
            if (value instanceof List<?> l) {
                for (int i = 0; i < l.size(); i++) {
                    path.add(i);
                    check(list.getWrappedType(), l.get(i), path, out);
                    path.remove(path.size() - 1);
                }
            } else {
                check(list.getWrappedType(), value, path, out);
            }
            return;
        }
        if (type instanceof GraphQLInputObjectType obj) {
            if (!(value instanceof Map<?, ?> m)) {
                problem(path, "Expected value to be an object", out);
                return;
            }
            for (Object k : m.keySet()) {
                if (obj.getFieldDefinition(String.valueOf(k)) == null) {
                    path.add(String.valueOf(k));
                    problem(path, "Field is not defined on " + obj.getName(), out);
                    path.remove(path.size() - 1);
                }
            }
            for (GraphQLInputObjectField f : obj.getFieldDefinitions()) {
                if (!m.containsKey(f.getName()) && f.hasSetDefaultValue()) {
                    continue;
                }
                path.add(f.getName());
                check(f.getType(), m.get(f.getName()), path, out);
                path.remove(path.size() - 1);
            }
            return;
        }
        if (type instanceof GraphQLEnumType en) {
            boolean ok = false;
            for (GraphQLEnumValueDefinition v : en.getValues()) {
                if (v.getName().equals(String.valueOf(value))) {
                    ok = true;
                }
            }
            if (!ok || !(value instanceof String)) {
                List<String> names = new ArrayList<>();
                en.getValues().forEach(v -> names.add(v.getName()));
                problem(path, "Expected \"" + value + "\" to be one of: " + String.join(", ", names), out);
            }
            return;
        }
        if (type instanceof GraphQLScalarType sc) {
            boolean ok = switch (sc.getName()) {
                case "Int" -> value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                        && n.doubleValue() >= Integer.MIN_VALUE && n.doubleValue() <= Integer.MAX_VALUE;
                case "Float" -> value instanceof Number;
                case "Boolean" -> value instanceof Boolean;
                case "ID" -> value instanceof String || (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()));
                case "JSON" -> true;
                default -> value instanceof String || (value instanceof Number && !sc.getName().equals("String"));
            };
            if (!ok) {
                problem(path, "Could not coerce value " + Json.string(value) + " to " + sc.getName(), out);
            }
        }
    }
}
