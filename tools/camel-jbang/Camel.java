/** The `camel` command of Camel JBang (its jar has no main method of its own); run by tools/camel-jbang/camel. */
public class Camel {
    public static void main(String[] args) {
        org.apache.camel.dsl.jbang.core.commands.CamelJBangMain.run(args);
    }
}
