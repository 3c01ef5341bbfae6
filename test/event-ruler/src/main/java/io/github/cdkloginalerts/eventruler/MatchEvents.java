package io.github.cdkloginalerts.eventruler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import software.amazon.event.ruler.Machine;

/**
 * Reads {"patterns": {name: pattern}, "events": [{"id", "event"}]} from the first argument and
 * writes {id: [names of the patterns that match, sorted]} to the second: Event Ruler's verdicts.
 */
public final class MatchEvents {
    private MatchEvents() {}

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode input = json.readTree(new File(args[0]));
        Machine machine = new Machine();
        for (Iterator<Map.Entry<String, JsonNode>> it = input.get("patterns").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> pattern = it.next();
            machine.addRule(pattern.getKey(), json.writeValueAsString(pattern.getValue()));
        }
        ObjectNode out = json.createObjectNode();
        for (JsonNode entry : input.get("events")) {
            List<String> names = new ArrayList<>(machine.rulesForJSONEvent(json.writeValueAsString(entry.get("event"))));
            names.sort(null);
            ArrayNode matched = out.putArray(entry.get("id").asText());
            names.forEach(matched::add);
        }
        json.writeValue(new File(args[1]), out);
    }
}
