package org.onecnn.spark;

import org.onecnn.experiment.CellKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.onecnn.experiment.CellStore;

/**
 * Cells kept on a Hadoop file system ({@code --cell-uri}: {@code file://}, {@code hdfs://}, {@code s3a://}, any
 * scheme the executors' Hadoop configuration knows) by the Spark tasks that computed them: cell {@code f} of the
 * run with config hash {@code h} is {@code <uri>/<h>/<f>.json}, in the bytes of {@link CellBytes}. Keyed by the
 * config hash, so runs of different configs never mix and a resubmitted job of the same config (a retried or
 * resumed run, even into a new run folder) finds the cells its earlier attempts finished.
 *
 * <p>A cell is written under a unique temporary name and renamed into place, so a reader sees a whole cell or
 * none; two attempts of one cell write the same bytes, so whichever rename wins, the content is the same. A file
 * that is not an intact cell of this run (damaged, another config's) is reported on the executor's standard error
 * and recomputed.
 */
final class CellUri {
    private final String uri;
    private final String configHash;

    CellUri(String uri, String configHash) {
        this.uri = uri;
        this.configHash = configHash;
    }

    Path path(CellKey key) {
        return new Path(uri + "/" + configHash + "/" + key.file() + ".json");
    }

    /** The bytes of cell {@code key} if an intact copy is kept, else null. */
    byte[] read(CellKey key, Configuration conf) throws IOException {
        Path p = path(key);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
            return null;
        }
        byte[] bytes;
        try (InputStream in = fs.open(p)) {
            bytes = in.readAllBytes();
        }
        String problem = CellBytes.problem(bytes, configHash, key);
        if (problem != null) {
            System.err.println("onecnn: warning: " + p + " " + problem + "; recomputing " + key.label());
            return null;
        }
        return bytes;
    }

    /** Keeps cell {@code key}: written under a temporary name, then renamed into place. */
    void write(CellKey key, byte[] bytes, Configuration conf) throws IOException {
        Path p = path(key);
        FileSystem fs = p.getFileSystem(conf);
        fs.mkdirs(p.getParent());
        Path tmp = new Path(p.getParent(), "." + p.getName() + "." + UUID.randomUUID() + ".tmp");
        try (OutputStream out = fs.create(tmp, true)) {
            out.write(bytes);
        }
        fs.delete(p, false); // a damaged copy (HDFS does not rename onto an existing file)
        if (!fs.rename(tmp, p)) {
            fs.delete(tmp, false);
            if (!fs.exists(p)) {
                throw new IOException("cannot rename " + tmp + " to " + p);
            }
            // another attempt of this cell renamed first: the same bytes
        }
    }
}
