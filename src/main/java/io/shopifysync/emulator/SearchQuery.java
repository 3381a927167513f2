package io.shopifysync.emulator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Shopify search syntax (the {@code query:} argument): {@code field:value}, {@code field:>value},
 * {@code >=}, {@code <}, {@code <=}, values quoted ('…' or "…") or bare, terms joined by whitespace or
 * {@code AND}, {@code OR}, {@code NOT}/{@code -term} and parentheses. Unknown fields are ignored with a
 * warning (as Shopify does); free text matches a resource's default text fields.
 *
 * <p>Time fields compare at second precision against epoch seconds; time values may be ISO-8601 with Z or
 * an offset, {@code yyyy-MM-dd HH:mm:ss} or {@code yyyy-MM-ddTHH:mm:ss} (both read as UTC), or a date
 * {@code yyyy-MM-dd} (for {@code :} equality meaning that whole UTC day, otherwise its start).
 */
public final class SearchQuery {

    public enum Op { EQ, GT, GE, LT, LE }

    public enum FieldType { TIME, NUMBER, TEXT, LIST, BOOL }

    /** What a query is evaluated against: returns epoch seconds (TIME), Long (NUMBER), String, Collection, Boolean. */
    public interface Subject {
        Object value(String field);
    }

    /** An inclusive range of longs; {@link #EMPTY} when nothing can match. */
    public record Range(long lo, long hi) {
        public static final Range ALL = new Range(Long.MIN_VALUE, Long.MAX_VALUE);
        public static final Range EMPTY = new Range(1, 0);

        public boolean isEmpty() {
            return lo > hi;
        }

        public boolean contains(long v) {
            return v >= lo && v <= hi;
        }

        Range intersect(Range o) {
            return new Range(Math.max(lo, o.lo), Math.min(hi, o.hi));
        }
    }

    sealed interface Expr permits And, Or, Not, Term, Text, All {}

    record And(List<Expr> parts) implements Expr {}

    record Or(List<Expr> parts) implements Expr {}

    record Not(Expr inner) implements Expr {}

    record Term(String field, FieldType type, Op op, String raw, Long number, boolean dateOnly) implements Expr {}

    record Text(String text) implements Expr {}

    record All() implements Expr {}

    private final String source;
    private final Expr root;
    private final List<String> warnings;

    private SearchQuery(String source, Expr root, List<String> warnings) {
        this.source = source;
        this.root = root;
        this.warnings = warnings;
    }

    /** A query matching everything. */
    public static SearchQuery all() {
        return new SearchQuery("", new All(), List.of());
    }

    /**
     * Parses {@code query} for a resource whose searchable fields are {@code fields} (name to type).
     * Never throws: malformed pieces become warnings and match everything.
     */
    public static SearchQuery parse(String query, Map<String, FieldType> fields) {
        if (query == null || query.isBlank()) {
            return all();
        }
        List<String> warnings = new ArrayList<>();
        Parser p = new Parser(tokenize(query), fields, warnings);
        Expr e = p.parseOr();
        while (p.pos < p.tokens.size()) {
            // stray ')' or trailing junk: keep parsing what follows, joined with AND
            p.pos++;
            if (p.pos < p.tokens.size()) {
                e = new And(List.of(e, p.parseOr()));
            }
        }
        return new SearchQuery(query, e, List.copyOf(warnings));
    }

    public String source() {
        return source;
    }

    public List<String> warnings() {
        return warnings;
    }

    /** The fields the query refers to ("" for free text). */
    public java.util.Set<String> fields() {
        java.util.Set<String> out = new java.util.HashSet<>();
        collectFields(root, out);
        return out;
    }

    private static void collectFields(Expr e, java.util.Set<String> out) {
        if (e instanceof And a) {
            a.parts().forEach(p -> collectFields(p, out));
        } else if (e instanceof Or o) {
            o.parts().forEach(p -> collectFields(p, out));
        } else if (e instanceof Not n) {
            collectFields(n.inner(), out);
        } else if (e instanceof Term t) {
            out.add(t.field());
        } else if (e instanceof Text) {
            out.add("");
        }
    }

    public boolean matchesAll() {
        return root instanceof All;
    }

    public boolean matches(Subject subject) {
        return eval(root, subject);
    }

    /**
     * A range (inclusive, in the field's unit: epoch seconds for TIME, the number for NUMBER) that every
     * match lies in, derived from the top-level AND terms on {@code field}; {@link Range#ALL} if unconstrained.
     */
    public Range range(String field) {
        Range r = Range.ALL;
        List<Expr> conjuncts = root instanceof And a ? a.parts() : List.of(root);
        for (Expr e : conjuncts) {
            if (e instanceof Term t && t.field.equals(field) && t.number != null) {
                r = r.intersect(termRange(t));
            }
        }
        return r;
    }

    private static Range termRange(Term t) {
        long v = t.number;
        if (t.type == FieldType.TIME) {
            // v is epoch millis; stored values are whole seconds s, compared as s*1000 against v
            long floor = Math.floorDiv(v, 1000);
            long ceil = -Math.floorDiv(-v, 1000);
            return switch (t.op) {
                case GT -> new Range(floor + 1, Long.MAX_VALUE);
                case GE -> new Range(ceil, Long.MAX_VALUE);
                case LT -> new Range(Long.MIN_VALUE, ceil - 1);
                case LE -> new Range(Long.MIN_VALUE, floor);
                case EQ -> t.dateOnly ? new Range(floor, floor + 86_399) : (v % 1000 == 0 ? new Range(floor, floor) : Range.EMPTY);
            };
        }
        return switch (t.op) {
            case GT -> v == Long.MAX_VALUE ? Range.EMPTY : new Range(v + 1, Long.MAX_VALUE);
            case GE -> new Range(v, Long.MAX_VALUE);
            case LT -> v == Long.MIN_VALUE ? Range.EMPTY : new Range(Long.MIN_VALUE, v - 1);
            case LE -> new Range(Long.MIN_VALUE, v);
            case EQ -> new Range(v, v);
        };
    }

    private static boolean eval(Expr e, Subject s) {
        if (e instanceof All) {
            return true;
        }
        if (e instanceof And a) {
            for (Expr p : a.parts) {
                if (!eval(p, s)) {
                    return false;
                }
            }
            return true;
        }
        if (e instanceof Or o) {
            for (Expr p : o.parts) {
                if (eval(p, s)) {
                    return true;
                }
            }
            return false;
        }
        if (e instanceof Not n) {
            return !eval(n.inner, s);
        }
        if (e instanceof Text t) {
            Object v = s.value("");
            return v != null && v.toString().toLowerCase(Locale.ROOT).contains(t.text.toLowerCase(Locale.ROOT));
        }
        Term t = (Term) e;
        Object v = s.value(t.field);
        switch (t.type) {
            case TIME, NUMBER -> {
                if (!(v instanceof Number n)) {
                    return false;
                }
                long actual = t.type == FieldType.TIME ? n.longValue() * 1000 : n.longValue();
                return termRange(t).contains(t.type == FieldType.TIME ? n.longValue() : actual);
            }
            case BOOL -> {
                return v != null && String.valueOf(v).equalsIgnoreCase(t.raw);
            }
            case LIST -> {
                if (v instanceof Collection<?> c) {
                    for (Object o : c) {
                        if (o != null && textMatches(o.toString(), t)) {
                            return true;
                        }
                    }
                }
                return false;
            }
            default -> {
                return v != null && textMatches(v.toString(), t);
            }
        }
    }

    private static boolean textMatches(String actual, Term t) {
        String a = actual.toLowerCase(Locale.ROOT);
        String want = t.raw.toLowerCase(Locale.ROOT);
        return switch (t.op) {
            case EQ -> want.endsWith("*") ? a.startsWith(want.substring(0, want.length() - 1)) : a.equals(want);
            case GT -> a.compareTo(want) > 0;
            case GE -> a.compareTo(want) >= 0;
            case LT -> a.compareTo(want) < 0;
            case LE -> a.compareTo(want) <= 0;
        };
    }

    // ------------------------------------------------------------------ tokenizer and parser

    static List<String> tokenize(String q) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = q.length();
        while (i < n) {
            char c = q.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '(' || c == ')') {
                out.add(String.valueOf(c));
                i++;
                continue;
            }
            StringBuilder sb = new StringBuilder();
            char quote = 0;
            while (i < n) {
                c = q.charAt(i);
                if (quote != 0) {
                    if (c == '\\' && i + 1 < n) {
                        sb.append(c).append(q.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    sb.append(c);
                    if (c == quote) {
                        quote = 0;
                    }
                    i++;
                    continue;
                }
                if (Character.isWhitespace(c) || c == '(' || c == ')') {
                    break;
                }
                if (c == '\'' || c == '"') {
                    quote = c;
                }
                sb.append(c);
                i++;
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static final class Parser {
        final List<String> tokens;
        final Map<String, FieldType> fields;
        final List<String> warnings;
        int pos;

        Parser(List<String> tokens, Map<String, FieldType> fields, List<String> warnings) {
            this.tokens = tokens;
            this.fields = fields;
            this.warnings = warnings;
        }

        String peek() {
            return pos < tokens.size() ? tokens.get(pos) : null;
        }

        Expr parseOr() {
            List<Expr> parts = new ArrayList<>();
            parts.add(parseAnd());
            while ("OR".equals(peek())) {
                pos++;
                parts.add(parseAnd());
            }
            return parts.size() == 1 ? parts.get(0) : new Or(parts);
        }

        Expr parseAnd() {
            List<Expr> parts = new ArrayList<>();
            while (true) {
                String t = peek();
                if (t == null || t.equals(")") || t.equals("OR")) {
                    break;
                }
                if (t.equals("AND")) {
                    pos++;
                    continue;
                }
                parts.add(parseUnary());
            }
            if (parts.isEmpty()) {
                return new All();
            }
            return parts.size() == 1 ? parts.get(0) : new And(parts);
        }

        Expr parseUnary() {
            String t = peek();
            if (t.equals("NOT")) {
                pos++;
                if (peek() == null) {
                    return new All();
                }
                return new Not(parseUnary());
            }
            if (t.equals("(")) {
                pos++;
                Expr inner = parseOr();
                if (")".equals(peek())) {
                    pos++;
                }
                return inner;
            }
            pos++;
            if (t.startsWith("-") && t.length() > 1) {
                return new Not(term(t.substring(1)));
            }
            return term(t);
        }

        Expr term(String token) {
            int colon = -1;
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (c == '\'' || c == '"') {
                    break;
                }
                if (c == ':') {
                    colon = i;
                    break;
                }
            }
            if (colon <= 0 || !token.substring(0, colon).matches("[A-Za-z_][A-Za-z0-9_.]*")) {
                String text = unquote(token);
                return text.isEmpty() ? new All() : new Text(text);
            }
            String field = token.substring(0, colon).toLowerCase(Locale.ROOT);
            String rest = token.substring(colon + 1);
            Op op = Op.EQ;
            if (rest.startsWith(">=")) {
                op = Op.GE;
                rest = rest.substring(2);
            } else if (rest.startsWith("<=")) {
                op = Op.LE;
                rest = rest.substring(2);
            } else if (rest.startsWith(">")) {
                op = Op.GT;
                rest = rest.substring(1);
            } else if (rest.startsWith("<")) {
                op = Op.LT;
                rest = rest.substring(1);
            } else if (rest.startsWith("=")) {
                rest = rest.substring(1);
            }
            String value = unquote(rest);
            FieldType type = fields.get(field);
            if (type == null) {
                warnings.add("Invalid search field for this query: " + field);
                return new All();
            }
            Long number = null;
            boolean dateOnly = false;
            if (type == FieldType.TIME) {
                number = Times.parseSearchMillis(value);
                dateOnly = Times.isDateOnly(value);
                if (number == null) {
                    warnings.add("Invalid time value for " + field + ": " + value);
                    return new All();
                }
            } else if (type == FieldType.NUMBER) {
                String digits = value.contains("/") ? value.substring(value.lastIndexOf('/') + 1) : value;
                try {
                    number = Long.parseLong(digits);
                } catch (NumberFormatException e) {
                    warnings.add("Invalid number for " + field + ": " + value);
                    return new All();
                }
            }
            return new Term(field, type, op, value, number, dateOnly);
        }

        static String unquote(String s) {
            if (s.length() >= 2 && (s.charAt(0) == '\'' || s.charAt(0) == '"') && s.charAt(s.length() - 1) == s.charAt(0)) {
                String inner = s.substring(1, s.length() - 1);
                return inner.replace("\\'", "'").replace("\\\"", "\"").replace("\\\\", "\\");
            }
            return s;
        }
    }
}
