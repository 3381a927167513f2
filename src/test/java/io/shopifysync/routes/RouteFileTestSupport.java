package io.shopifysync.routes;

import io.shopifysync.testing.FreePort;
import io.shopifysync.testing.ProjectHome;
import java.util.Properties;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;

/**
 * A fast test of one or more route files of routes/, as Camel Main loads them, with the beans and endpoints a test
 * binds or advises: edit the YAML, run the one test, see the answer in seconds. The context starts after
 * {@link #advise()} (AdviceWith replaces Shopify and database endpoints with mocks where the test needs it).
 */
public abstract class RouteFileTestSupport extends CamelMainTestSupport {

    protected final int httpPort = FreePort.find();

    /** The files of routes/ under test, e.g. {@code "admin-api.yaml"}. */
    protected abstract String[] routeFiles();

    /** Properties the routes name ({{...}}), on top of application.properties' Camel settings the routes rely on. */
    protected Properties properties() {
        return new Properties();
    }

    /** AdviceWith before the context starts; nothing by default. */
    protected void advise() throws Exception {
    }

    @Override
    public void configureTest(TestExecutionConfiguration testConfiguration) {
        super.configureTest(testConfiguration);
        testConfiguration.withUseAdviceWith(true);
    }

    @Override
    public void configureContext(CamelContextConfiguration contextConfiguration) {
        super.configureContext(contextConfiguration);
        Properties p = new Properties();
        p.setProperty("db.dialect", "h2");
        p.putAll(properties());
        contextConfiguration.withUseOverridePropertiesWithPropertiesComponent(p);
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        StringBuilder pattern = new StringBuilder();
        for (String f : routeFiles()) {
            pattern.append(pattern.isEmpty() ? "" : ",").append("file:").append(ProjectHome.path().resolve("routes").resolve(f));
        }
        configuration.withRoutesIncludePattern(pattern.toString());
        // as application.properties has it: the REST DSL on platform-http, no binding
        configuration.httpServer().withEnabled(true).withHost("127.0.0.1").withPort(httpPort);
        configuration.rest().withComponent("platform-http").withBindingMode("off");
    }

    @Override
    protected void doPostSetup() throws Exception {
        io.shopifysync.admin.AnswerHeaders.install(context); // as AppBeans does
        advise();
        context.start();
    }
}
