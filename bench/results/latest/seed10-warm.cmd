/usr/bin/java -jar bench/target/squall-bench.jar seed --parallel 200 --seconds 10 --variants async,raw --warmup-seconds 2.5
