package org.onecnn.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@link Provenance#mergeStreams}: the one merge of seed streams (runs, resumes, job arrays). */
class ProvenanceTest {
    @Test
    void mergeKeepsRecordedStreamsThenTheFirstOfEachNameSortedByName() {
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("experiment", "x");
        Map<String, Object> seeds = new LinkedHashMap<>();
        seeds.put("master", 7L);
        seeds.put("streams", Map.of("b", "recorded"));
        prov.put("seeds", seeds);
        prov.put("status", "running");
        Provenance.mergeStreams(prov, List.of(Map.of("c", "shard 1", "b", "shard 1"), Map.of("a", "own", "c", "own")));
        // the key order of the provenance and of seeds is kept; the streams are sorted and the first of each wins
        assertEquals(List.of("experiment", "seeds", "status"), List.copyOf(prov.keySet()));
        @SuppressWarnings("unchecked")
        Map<String, Object> merged = (Map<String, Object>) prov.get("seeds");
        assertEquals(List.of("master", "streams"), List.copyOf(merged.keySet()));
        assertEquals("{a=own, b=recorded, c=shard 1}", merged.get("streams").toString());
    }

    @Test
    void aProvenanceWithoutSeedsGetsThem() {
        Map<String, Object> prov = new LinkedHashMap<>();
        Provenance.mergeStreams(prov, List.of(Map.of("s", "1")));
        assertEquals("{seeds={streams={s=1}}}", prov.toString());
    }
}
