package io.qmeter.testkit.tck;

import io.qmeter.client.LlmClient;
import io.qmeter.client.RequestSender;
import java.net.URI;

/** qMeter's HTTP client honours the RequestSender contract. */
class LlmClientCompatibilityTest extends RequestSenderCompatibilityKit {
    @Override
    protected RequestSender createSender(URI baseUrl) {
        return LlmClient.create(baseUrl);
    }
}
