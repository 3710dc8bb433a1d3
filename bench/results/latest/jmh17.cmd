/usr/bin/java -jar bench/target/squall-bench.jar jmh -f 1 -wi 1 -w 300ms -i 2 -r 300ms -prof gc -rf json -rff bench/results/latest/jmh17.json
