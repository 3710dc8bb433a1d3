package io.squall.bench.load;

import io.squall.bench.Args;
import io.squall.bench.Command;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/** {@code http-load [--parallel N] [--seconds S] [--keepalive] URL}: the load generator's command. */
public final class HttpLoadCommand implements Command {
    @Override
    public int run(List<String> words, PrintStream out) {
        Args a = Args.parse("http-load", words, Set.of("parallel", "seconds"), Set.of("keepalive"));
        a.expectPositional(1, 1, "the URL to fetch");
        LoadTarget target = LoadTarget.parse(a.positional().get(0));
        int parallel = a.intOption("parallel", 10, 1, 100_000);
        double seconds = a.positiveOption("seconds", 10, 86_400);
        LoadResult r = new HttpLoad(target, parallel, seconds, a.flag("keepalive")).run();
        r.print(out);
        return 0;
    }
}
