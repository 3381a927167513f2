package io.shopifysync.emulator;

import graphql.schema.GraphQLObjectType;
import graphql.schema.TypeResolver;
import graphql.schema.idl.RuntimeWiring;
import java.util.Map;

/** Resolves interface and union types from the {@code _type} key of node maps. */
final class TypeResolvers {
    private TypeResolvers() {}

    static void wire(RuntimeWiring.Builder w) {
        TypeResolver byType = env -> {
            Object src = env.getObject();
            String name = src instanceof Map<?, ?> m ? (String) m.get("_type") : null;
            GraphQLObjectType t = name == null ? null : env.getSchema().getObjectType(name);
            return t;
        };
        w.type("Node", t -> t.typeResolver(byType));
        w.type("LegacyInteroperability", t -> t.typeResolver(byType));
        w.type("Event", t -> t.typeResolver(env -> env.getSchema().getObjectType("BasicEvent")));
        w.type("WebhookSubscriptionEndpoint", t -> t.typeResolver(env -> env.getSchema().getObjectType("WebhookHttpEndpoint")));
    }
}
